package backup

import (
	"compress/gzip"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"sort"
	"time"
)

// Result describes a stored backup; `ternant backup create` prints it as one JSON line.
type Result struct {
	Name          string    `json:"name"`
	Location      string    `json:"location"`
	Size          int64     `json:"size"`
	StartedAt     time.Time `json:"startedAt"`
	CompletedAt   time.Time `json:"completedAt"`
	SchemaVersion uint      `json:"schemaVersion"`
	// Manifest is what was dumped (row counts per table); not part of the JSON line.
	Manifest Manifest `json:"-"`
}

// errUploadStopped ends a dump whose upload gave up.
var errUploadStopped = errors.New("upload stopped")

// Create dumps the database db is connected to, compresses the stream and writes it to st under
// a name made from the snapshot's start time. Nothing is buffered beyond the store's upload part.
// When the dump or the upload fails no object is left behind.
func Create(ctx context.Context, db *sql.DB, st Store, now func() time.Time) (Result, error) {
	started := now().UTC().Truncate(time.Millisecond)
	name := NameFor(started)
	pr, pw := io.Pipe()
	type dumped struct {
		m   Manifest
		err error
	}
	done := make(chan dumped, 1)
	go func() {
		gz := gzip.NewWriter(pw)
		m, err := Dump(ctx, db, gz, started)
		if err == nil {
			err = gz.Close()
		}
		pw.CloseWithError(err) // nil: the reader sees EOF
		done <- dumped{m, err}
	}()
	size, putErr := st.Put(ctx, name, pr)
	pr.CloseWithError(errUploadStopped)
	d := <-done
	if d.err != nil && !errors.Is(d.err, errUploadStopped) {
		if putErr == nil {
			// The store took a stream that ended early; never leave it looking like a backup.
			_ = st.Delete(context.WithoutCancel(ctx), name)
		}
		return Result{}, fmt.Errorf("dump: %w", d.err)
	}
	if putErr != nil {
		return Result{}, putErr
	}
	return Result{
		Name:          name,
		Location:      st.Location(name),
		Size:          size,
		StartedAt:     started,
		CompletedAt:   now().UTC(),
		SchemaVersion: d.m.SchemaVersion,
		Manifest:      d.m,
	}, nil
}

// Retention says which backups to keep. Zero values switch a rule off.
type Retention struct {
	// KeepLast keeps the newest KeepLast backups and deletes older ones.
	KeepLast int
	// MaxAge deletes backups older than MaxAge.
	MaxAge time.Duration
}

// Prune deletes the backups that fall outside r: beyond the newest KeepLast, or older than
// MaxAge at now. The backup named keep (the one just written) is never deleted, and nothing is
// deleted unless keep is listed: retention runs only after a create that the store confirms.
func Prune(ctx context.Context, st Store, r Retention, keep string, now time.Time) ([]Object, error) {
	if r.KeepLast <= 0 && r.MaxAge <= 0 {
		return nil, nil
	}
	objs, err := st.List(ctx)
	if err != nil {
		return nil, fmt.Errorf("retention: %w", err)
	}
	found := false
	for _, o := range objs {
		found = found || o.Name == keep
	}
	if !found {
		return nil, fmt.Errorf("retention: the new backup %s is not listed; nothing deleted", keep)
	}
	sort.Slice(objs, func(i, j int) bool { return objs[i].Name > objs[j].Name }) // newest first
	var deleted []Object
	for i, o := range objs {
		if o.Name == keep {
			continue
		}
		tooMany := r.KeepLast > 0 && i >= r.KeepLast
		tooOld := r.MaxAge > 0 && now.Sub(o.Time) > r.MaxAge
		if !tooMany && !tooOld {
			continue
		}
		if err := st.Delete(ctx, o.Name); err != nil {
			return deleted, fmt.Errorf("retention: %w", err)
		}
		deleted = append(deleted, o)
	}
	return deleted, nil
}

// Select picks one of objs: with at set, the newest backup taken at or before at; otherwise
// name, where "latest" (or "") is the newest of all.
func Select(objs []Object, name string, at time.Time) (Object, error) {
	var best *Object
	for i := range objs {
		o := &objs[i]
		switch {
		case !at.IsZero():
			if o.Time.After(at) {
				continue
			}
		case name == "" || name == "latest":
		default:
			if o.Name == name {
				return *o, nil
			}
			continue
		}
		if best == nil || o.Name > best.Name {
			best = o
		}
	}
	if best == nil {
		switch {
		case !at.IsZero():
			return Object{}, fmt.Errorf("%w at or before %s (%d backups stored)", ErrNoBackup, at.UTC().Format(time.RFC3339), len(objs))
		case name == "" || name == "latest":
			return Object{}, fmt.Errorf("%w: the location holds none", ErrNoBackup)
		default:
			return Object{}, fmt.Errorf("%w named %s", ErrNoBackup, name)
		}
	}
	return *best, nil
}

package backup

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Store keeps backup objects under one location (a bucket prefix or a directory).
type Store interface {
	// Put writes r as the object name; the object becomes visible only once it is complete, and
	// a failed Put leaves no object behind. It returns the bytes written.
	Put(ctx context.Context, name string, r io.Reader) (int64, error)
	// Get opens the object name.
	Get(ctx context.Context, name string) (io.ReadCloser, error)
	// List returns the backups under the location (objects named by NameFor), oldest first.
	List(ctx context.Context) ([]Object, error)
	// Delete removes the object name.
	Delete(ctx context.Context, name string) error
	// Location is the URL of the object name, for humans and the operator's status.
	Location(name string) string
}

// Object is one stored backup.
type Object struct {
	Name string    `json:"name"`
	Size int64     `json:"size"`
	Time time.Time `json:"time"` // when the backup's snapshot was taken, from its name
}

// ErrNoBackup is returned when no stored backup matches a selection.
var ErrNoBackup = errors.New("no backup found")

// S3Config is how to reach S3-compatible storage (from BACKUP_S3_* and AWS_* variables).
type S3Config struct {
	// Endpoint is a URL (https://s3.eu-west-1.amazonaws.com, http://minio:9000) or a host name
	// (HTTPS); empty means AWS S3.
	Endpoint  string
	Region    string
	AccessKey string
	SecretKey string
	// PathStyle: "true" forces path-style requests (most S3-compatible servers), "false"
	// virtual-host style, "" lets the client decide.
	PathStyle string
}

// Open returns the store for a location URL: s3://bucket/prefix or file:///absolute/dir.
func Open(location string, s3cfg S3Config) (Store, error) {
	u, err := url.Parse(location)
	if err != nil {
		return nil, fmt.Errorf("backup location %q: %w", location, err)
	}
	switch u.Scheme {
	case "file":
		if u.Host != "" && u.Host != "localhost" {
			return nil, fmt.Errorf("backup location %q: want file:///absolute/dir", location)
		}
		if !filepath.IsAbs(u.Path) {
			return nil, fmt.Errorf("backup location %q: the directory must be absolute (file:///dir)", location)
		}
		return &dirStore{dir: filepath.Clean(u.Path)}, nil
	case "s3":
		if u.Host == "" {
			return nil, fmt.Errorf("backup location %q: no bucket (want s3://bucket/prefix)", location)
		}
		return newS3Store(u.Host, strings.Trim(u.Path, "/"), s3cfg)
	}
	return nil, fmt.Errorf("backup location %q: want s3://bucket/prefix or file:///dir", location)
}

// dirStore keeps backups as files in one directory (a mounted volume).
type dirStore struct{ dir string }

func (s *dirStore) Location(name string) string {
	return (&url.URL{Scheme: "file", Path: filepath.Join(s.dir, name)}).String()
}

func (s *dirStore) Put(ctx context.Context, name string, r io.Reader) (int64, error) {
	if err := os.MkdirAll(s.dir, 0o750); err != nil {
		return 0, fmt.Errorf("create %s: %w", s.dir, err)
	}
	tmp, err := os.CreateTemp(s.dir, "."+name+".partial-*")
	if err != nil {
		return 0, fmt.Errorf("create temporary file: %w", err)
	}
	defer func() { _ = os.Remove(tmp.Name()) }() // after the link below, or of a failed write
	n, err := io.Copy(tmp, ctxReader{ctx, r})
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return n, fmt.Errorf("write %s: %w", name, err)
	}
	// A hard link publishes the complete file under its name and fails if one exists already.
	if err := os.Link(tmp.Name(), filepath.Join(s.dir, name)); err != nil {
		return n, fmt.Errorf("publish %s: %w", name, err)
	}
	if d, err := os.Open(s.dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
	return n, nil
}

func (s *dirStore) Get(_ context.Context, name string) (io.ReadCloser, error) {
	if _, ok := TimeOf(name); !ok {
		return nil, fmt.Errorf("%q is not a backup name", name)
	}
	f, err := os.Open(filepath.Join(s.dir, name)) // #nosec G304 -- name matched the backup name pattern
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%w: %s", ErrNoBackup, s.Location(name))
	}
	return f, err
}

func (s *dirStore) List(context.Context) ([]Object, error) {
	entries, err := os.ReadDir(s.dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", s.dir, err)
	}
	var out []Object
	for _, e := range entries {
		t, ok := TimeOf(e.Name())
		if !ok || !e.Type().IsRegular() {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue // removed meanwhile
		}
		out = append(out, Object{Name: e.Name(), Size: info.Size(), Time: t})
	}
	sortObjects(out)
	return out, nil
}

func (s *dirStore) Delete(_ context.Context, name string) error {
	if _, ok := TimeOf(name); !ok {
		return fmt.Errorf("%q is not a backup name", name)
	}
	if err := os.Remove(filepath.Join(s.dir, name)); err != nil {
		return fmt.Errorf("delete %s: %w", name, err)
	}
	return nil
}

func sortObjects(objs []Object) {
	sort.Slice(objs, func(i, j int) bool { return objs[i].Name < objs[j].Name })
}

// ctxReader stops a copy when ctx is done.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

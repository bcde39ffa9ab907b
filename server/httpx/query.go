package httpx

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Page limits for list endpoints.
const (
	DefaultLimit = 100
	MaxLimit     = 1000
)

// Page is a list window from ?limit=&offset=.
type Page struct {
	Limit  int
	Offset int
}

// PageFrom parses limit (default 100, 1..1000) and offset (>= 0).
func PageFrom(r *http.Request) (Page, error) {
	p := Page{Limit: DefaultLimit}
	q := r.URL.Query()
	var msgs []string
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		switch {
		case err != nil:
			msgs = append(msgs, "limit must be an integer number")
		case n < 1:
			msgs = append(msgs, "limit must not be less than 1")
		case n > MaxLimit:
			msgs = append(msgs, "limit must not be greater than 1000")
		default:
			p.Limit = n
		}
	}
	if s := q.Get("offset"); s != "" {
		n, err := strconv.Atoi(s)
		switch {
		case err != nil:
			msgs = append(msgs, "offset must be an integer number")
		case n < 0:
			msgs = append(msgs, "offset must not be less than 0")
		default:
			p.Offset = n
		}
	}
	if len(msgs) > 0 {
		return p, Invalid(msgs...)
	}
	return p, nil
}

// SetTotal sets X-Total-Count, the number of rows the list has before paging.
func SetTotal(w http.ResponseWriter, n int) {
	w.Header().Set("X-Total-Count", strconv.Itoa(n))
}

// QueryBool parses a boolean query parameter strictly ("true"/"false"/"1"/"0"; absent = def).
// TernantApp turned "false" into true; Ternant does not.
func QueryBool(r *http.Request, name string, def bool) (bool, error) {
	s := r.URL.Query().Get(name)
	switch strings.ToLower(s) {
	case "":
		return def, nil
	case "true", "1":
		return true, nil
	case "false", "0":
		return false, nil
	}
	return def, Invalid(name + " must be a boolean value")
}

// QueryInt parses an integer query parameter within [lo, hi] (absent = def).
func QueryInt(r *http.Request, name string, def, lo, hi int) (int, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	switch {
	case err != nil:
		return def, Invalid(name + " must be an integer number")
	case n < lo:
		return def, Invalid(name + " must not be less than " + strconv.Itoa(lo))
	case n > hi:
		return def, Invalid(name + " must not be greater than " + strconv.Itoa(hi))
	}
	return n, nil
}

// QueryEnum returns the parameter if it is one of allowed ("" when absent).
func QueryEnum(r *http.Request, name string, allowed ...string) (string, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return "", nil
	}
	for _, a := range allowed {
		if s == a {
			return s, nil
		}
	}
	return "", Invalid(name + " must be one of the following values: " + strings.Join(allowed, ", "))
}

// QueryDate parses an ISO 8601 date or date-time parameter (absent = zero time).
func QueryDate(r *http.Request, name string) (time.Time, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{time.DateOnly, time.RFC3339Nano, "2006-01-02T15:04:05"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, Invalid(name + " must be a valid ISO 8601 date string")
}

// UnknownQuery lists "property X should not exist" for every query key that is not one of known,
// in the order the keys first appear in the query string, as TernantApp's ValidationPipe reports
// the unknown keys of a @Query() DTO. A bracketed key (a[b]=1) is the property a, as Express's
// query parser makes it.
func UnknownQuery(r *http.Request, known ...string) []string {
	var keys []string
	seen := map[string]bool{}
	for _, part := range strings.Split(r.URL.RawQuery, "&") {
		if part == "" {
			continue
		}
		k, _, _ := strings.Cut(part, "=")
		if u, err := url.QueryUnescape(k); err == nil {
			k = u
		}
		if i := strings.IndexByte(k, '['); i > 0 {
			k = k[:i]
		}
		if seen[k] || slices.Contains(known, k) {
			continue
		}
		seen[k] = true
		keys = append(keys, k)
	}
	msgs := make([]string, 0, len(keys))
	for _, k := range jsKeyOrder(keys) {
		msgs = append(msgs, "property "+k+" should not exist")
	}
	return msgs
}

// Messages returns the message list of a validation error (Invalid), the single message of any
// other *Error, or nil for nil.
func Messages(err error) []string {
	var he *Error
	switch {
	case err == nil:
		return nil
	case errors.As(err, &he) && len(he.Messages) > 0:
		return he.Messages
	case errors.As(err, &he):
		return []string{he.Message}
	}
	return []string{err.Error()}
}

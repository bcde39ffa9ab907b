package httpx

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
)

// PageCache keeps encoded list pages per company (cache.ListCache implements it). A nil
// implementation must call load.
type PageCache interface {
	Page(ctx context.Context, companyID, field string, load func(context.Context) ([]byte, error)) ([]byte, error)
}

// ListPage answers one page of the caller's company's list: rows as the body and the count before
// paging as X-Total-Count. Both come from pages when it holds the page under filter and p, else from
// load, whose result pages keeps until a write to the list drops it. The body is returned encoded,
// so a cached page is written without being decoded and encoded again.
func ListPage(w http.ResponseWriter, r *http.Request, pages PageCache, filter string, p Page, load func(context.Context) (rows any, total int, err error)) (any, error) {
	if pages == nil || !CacheablePage(p) {
		pages = noPageCache{}
	}
	field := PageField(filter, p)
	raw, err := pages.Page(r.Context(), CallerCompany(r), field, func(ctx context.Context) ([]byte, error) {
		rows, total, err := load(ctx)
		if err != nil {
			return nil, err
		}
		var buf bytes.Buffer
		buf.WriteString(strconv.Itoa(total))
		buf.WriteByte('\n')
		if err := encode(&buf, rows); err != nil {
			return nil, fmt.Errorf("encode page: %w", err)
		}
		return buf.Bytes(), nil
	})
	if err != nil {
		return nil, err
	}
	head, body, ok := bytes.Cut(raw, []byte{'\n'})
	total, err := strconv.Atoi(string(head))
	if !ok || err != nil {
		return nil, fmt.Errorf("cached page of %s: malformed", r.URL.Path)
	}
	SetTotal(w, total)
	return json.RawMessage(body), nil
}

// Page sizes and depth the list cache keeps. Any other window is answered from the database: the
// cache holds a bounded number of pages per list and filter, whatever limits and offsets clients
// send.
var (
	cachedLimits   = []int{1, 10, 20, 25, 50, DefaultLimit}
	maxCachedPages = 10
)

// CacheablePage reports whether p is a window the list cache keeps: a common page size (the
// default included) and one of the first pages of it.
func CacheablePage(p Page) bool {
	return slices.Contains(cachedLimits, p.Limit) && p.Offset%p.Limit == 0 && p.Offset/p.Limit < maxCachedPages
}

// PageField is where a page of the list under filter is kept: the filter and the paging.
func PageField(filter string, p Page) string {
	return filter + "&limit=" + strconv.Itoa(p.Limit) + "&offset=" + strconv.Itoa(p.Offset)
}

// PageLocator is a PageCache that can say where it keeps a company's page under field (a Redis key
// and hash field), so the page can be read ahead; ok is false when it keeps nothing.
type PageLocator interface {
	PageKey(companyID, field string) (key, hashField string, ok bool)
}

// PrefetchPage is the Prefetch of a list route answered by ListPage: args reads the request's
// filter and paging exactly as the handler does (a request it rejects is not read ahead).
func PrefetchPage(pages PageCache, args func(*http.Request) (filter string, p Page, err error)) Prefetch {
	loc, ok := pages.(PageLocator)
	if !ok || loc == nil {
		return nil
	}
	return func(r *http.Request, companyID string) (string, string, bool) {
		filter, p, err := args(r)
		if err != nil {
			return "", "", false
		}
		return loc.PageKey(companyID, PageField(filter, p))
	}
}

// noPageCache always loads.
type noPageCache struct{}

func (noPageCache) Page(ctx context.Context, _, _ string, load func(context.Context) ([]byte, error)) ([]byte, error) {
	return load(ctx)
}

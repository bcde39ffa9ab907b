package superadmin

import (
	"net/http"

	"github.com/ternant/ternant/server/httpx"
)

// Paging is a super-admin list's page=&limit= (1-based page; limit 1-100, default 10).
type Paging struct {
	Page, Limit int
}

func pagingFrom(r *http.Request) (Paging, error) {
	page, err := httpx.QueryInt(r, "page", 1, 1, 1_000_000)
	if err != nil {
		return Paging{}, err
	}
	limit, err := httpx.QueryInt(r, "limit", 10, 1, 100)
	if err != nil {
		return Paging{}, err
	}
	return Paging{Page: page, Limit: limit}, nil
}

func (p Paging) offset() int { return (p.Page - 1) * p.Limit }

func (p Paging) meta(total int) Meta {
	return Meta{Total: total, Page: p.Page, Limit: p.Limit, TotalPages: (total + p.Limit - 1) / p.Limit}
}

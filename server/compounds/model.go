// Package compounds serves the buildings (compounds) a company manages: create, read, search,
// count, update, soft delete and reactivate, with reads open to R4 and writes to OWNER/ADMIN.
package compounds

import (
	"strconv"

	"github.com/ternant/ternant/server/platform/dbtypes"
)

// Compound is a compounds row in TernantApp's field order (base columns first).
type Compound struct {
	ID          string       `db:"id" json:"id"`
	CompanyID   string       `db:"company_id" json:"companyId"`
	CreatedAt   dbtypes.Time `db:"created_at" json:"createdAt"`
	UpdatedAt   dbtypes.Time `db:"updated_at" json:"updatedAt"`
	Name        string       `db:"name" json:"name"`
	AddressLine string       `db:"address_line" json:"addressLine"`
	City        string       `db:"city" json:"city"`
	Region      *string      `db:"region" json:"region"`
	Country     string       `db:"country" json:"country"`
	GeoLat      *Coord       `db:"geo_lat" json:"geoLat"`
	GeoLng      *Coord       `db:"geo_lng" json:"geoLng"`
	Notes       *string      `db:"notes" json:"notes"`
	IsActive    bool         `db:"is_active" json:"isActive"`
}

// CreateInput is the POST /compounds body.
type CreateInput struct {
	Name        string  `json:"name" validate:"max=255,min=2,string,notempty"`
	AddressLine string  `json:"addressLine" validate:"length=5:500,string,notempty"`
	City        string  `json:"city" validate:"max=100,min=2,string,notempty"`
	Region      *string `json:"region" validate:"omitempty,max=100"`
	Country     string  `json:"country" validate:"max=100,min=2,string,notempty"`
	GeoLat      *Coord  `json:"geoLat" validate:"omitnil,gte=-90,lte=90"`
	GeoLng      *Coord  `json:"geoLng" validate:"omitnil,gte=-180,lte=180"`
	Notes       *string `json:"notes"`
	IsActive    *bool   `json:"isActive"`
}

// UpdateInput is the PATCH /compounds/:id body: every create field, all optional.
type UpdateInput struct {
	Name        *string `json:"name" validate:"omitempty,max=255,min=2"`
	AddressLine *string `json:"addressLine" validate:"omitempty,length=5:500"`
	City        *string `json:"city" validate:"omitempty,max=100,min=2"`
	Region      *string `json:"region" validate:"omitempty,max=100"`
	Country     *string `json:"country" validate:"omitempty,max=100,min=2"`
	GeoLat      *Coord  `json:"geoLat" validate:"omitnil,gte=-90,lte=90"`
	GeoLng      *Coord  `json:"geoLng" validate:"omitnil,gte=-180,lte=180"`
	Notes       *string `json:"notes"`
	IsActive    *bool   `json:"isActive"`
}

// checkCoords words out-of-range coordinates as class-validator's Min/Max do.
func checkCoords(lat, lng *Coord) []string {
	var msgs []string
	for _, c := range []struct {
		name  string
		v     *Coord
		limit int64
	}{{"geoLat", lat, 90}, {"geoLng", lng, 180}} {
		switch {
		case c.v == nil || c.v.within(c.limit):
		case *c.v < 0:
			msgs = append(msgs, c.name+" must not be less than -"+strconv.FormatInt(c.limit, 10))
		default:
			msgs = append(msgs, c.name+" must not be greater than "+strconv.FormatInt(c.limit, 10))
		}
	}
	return msgs
}

// apply copies the set fields of in onto c.
func (in UpdateInput) apply(c *Compound) {
	setIf(&c.Name, in.Name)
	setIf(&c.AddressLine, in.AddressLine)
	setIf(&c.City, in.City)
	setIf(&c.Country, in.Country)
	if in.Region != nil {
		c.Region = in.Region
	}
	if in.GeoLat != nil {
		c.GeoLat = in.GeoLat
	}
	if in.GeoLng != nil {
		c.GeoLng = in.GeoLng
	}
	if in.Notes != nil {
		c.Notes = in.Notes
	}
	setIf(&c.IsActive, in.IsActive)
}

func setIf[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

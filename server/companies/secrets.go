package companies

import (
	"bytes"
	"database/sql/driver"
	"encoding/json"
	"fmt"

	"github.com/ternant/ternant/server/platform/dbtypes"
)

// secretSetting is the key of email_settings that is written but never read back.
const secretSetting = "smtpPassword"

// EmailSettingsJSON is the email_settings column. The SMTP password in it is write-only: it is
// stored and used, but every JSON form of a company (answers of every route, login and
// registration responses, cached copies) leaves it out. Scanning and storing keep it.
type EmailSettingsJSON dbtypes.RawJSON

// MarshalJSON writes the settings without the SMTP password (null when the column is NULL).
func (j EmailSettingsJSON) MarshalJSON() ([]byte, error) {
	if len(j) == 0 {
		return []byte("null"), nil
	}
	return withoutKey(j, secretSetting)
}

// UnmarshalJSON keeps the document as sent.
func (j *EmailSettingsJSON) UnmarshalJSON(b []byte) error {
	return (*dbtypes.RawJSON)(j).UnmarshalJSON(b)
}

// Scan reads the column.
func (j *EmailSettingsJSON) Scan(src any) error { return (*dbtypes.RawJSON)(j).Scan(src) }

// Value writes the column.
func (j EmailSettingsJSON) Value() (driver.Value, error) { return dbtypes.RawJSON(j).Value() }

// withoutKey copies a JSON object without one key, keeping the others in their order. Anything
// but an object is returned as it is.
func withoutKey(raw []byte, key string) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return raw, nil //nolint:nilerr // not a JSON object: nothing to remove, returned as it is
	}
	var out bytes.Buffer
	out.WriteByte('{')
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("read email settings: %w", err)
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, fmt.Errorf("read email settings: %w", err)
		}
		name, _ := tok.(string)
		if name == key {
			continue
		}
		if out.Len() > 1 {
			out.WriteByte(',')
		}
		k, _ := json.Marshal(name)
		out.Write(k)
		out.WriteByte(':')
		out.Write(v)
	}
	out.WriteByte('}')
	return out.Bytes(), nil
}

// keepSMTPPassword carries the stored SMTP password into new settings that do not set one (the
// password is never shown, so a client that edits the settings it read sends none); an explicit
// "" clears it.
func keepSMTPPassword(set map[string]any, current EmailSettingsJSON) error {
	next, ok := set["email_settings"].(dbtypes.RawJSON)
	if !ok || len(next) == 0 || len(current) == 0 {
		return nil
	}
	var old, upd EmailSettings
	if json.Unmarshal(current, &old) != nil || old.SMTPPassword == nil {
		return nil //nolint:nilerr // an unreadable stored value has no password to keep
	}
	if err := json.Unmarshal(next, &upd); err != nil {
		return fmt.Errorf("read email settings: %w", err)
	}
	if upd.SMTPPassword != nil {
		return nil
	}
	upd.SMTPPassword = old.SMTPPassword
	b, err := json.Marshal(upd)
	if err != nil {
		return fmt.Errorf("encode email settings: %w", err)
	}
	set["email_settings"] = dbtypes.RawJSON(b)
	return nil
}

package companies

import "testing"

func TestSlugify(t *testing.T) {
	cases := map[string]string{
		"acme":              "acme",
		"Acme Housing Ltd.": "acme-housing-ltd",
		"  --Sunrise  PM--": "sunrise-pm",
		"élite 2":           "lite-2",
		"a__b":              "a-b",
		"!!!":               "",
	}
	for in, want := range cases {
		if got := Slugify(in); got != want {
			t.Errorf("Slugify(%q) = %q, want %q", in, got, want)
		}
	}
}

package money

import (
	"encoding/json"
	"testing"
)

func BenchmarkParse(b *testing.B) {
	for b.Loop() {
		if _, err := Parse("53234.55"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkArithmetic(b *testing.B) {
	price := MustParse("1999.99")
	for b.Loop() {
		line, _ := price.MulQuantity(250)
		sum, _ := line.Add(MustParse("10.00"))
		_, _ = sum.Sub(price)
	}
}

func BenchmarkMarshalJSON(b *testing.B) {
	v := struct{ A, B, C Amount }{MustParse("45000"), MustParse("0.01"), MustParse("-12.5")}
	for b.Loop() {
		if _, err := json.Marshal(v); err != nil {
			b.Fatal(err)
		}
	}
}

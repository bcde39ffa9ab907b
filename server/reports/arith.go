package reports

import (
	"math/big"

	"github.com/ternant/ternant/server/platform/money"
)

// rate returns part/whole x 100 rounded half up to two decimals, computed on integers (big, so no
// figure overflows). It is a ratio for display, never money.
func rate(part, whole int64) float64 {
	return ratio(new(big.Int).Mul(big.NewInt(part), big.NewInt(100)), big.NewInt(whole))
}

// ratio returns n/d rounded half up to two decimals (0 when d is 0).
func ratio(n, d *big.Int) float64 {
	if d.Sign() == 0 {
		return 0
	}
	hundredths := divRound(new(big.Int).Mul(n, big.NewInt(100)), d)
	f, _ := new(big.Rat).SetFrac(hundredths, big.NewInt(100)).Float64()
	return f
}

// divRound divides rounding half away from zero.
func divRound(n, d *big.Int) *big.Int {
	q, r := new(big.Int).QuoRem(n, d, new(big.Int))
	twice := new(big.Int).Abs(new(big.Int).Mul(r, big.NewInt(2)))
	if twice.Cmp(new(big.Int).Abs(d)) >= 0 {
		if (n.Sign() < 0) != (d.Sign() < 0) {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	return q
}

// average divides an amount by a count, rounded half up to the cent.
func average(sum money.Amount, n int) money.Amount {
	if n == 0 {
		return 0
	}
	return money.Amount(divRound(big.NewInt(int64(sum)), big.NewInt(int64(n))).Int64())
}

// sum adds amounts, failing past DECIMAL(15,2).
func sum(xs ...money.Amount) (money.Amount, error) {
	var s money.Amount
	for _, x := range xs {
		var err error
		if s, err = s.Add(x); err != nil {
			return 0, err
		}
	}
	return s, nil
}

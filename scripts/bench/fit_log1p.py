"""Fits the polynomial of the f32 SIMD `log1p(e)`, e in [0, 1] (src/kernels/sigmoid.rs).

log1p(e) = e * P(e), P a degree-9 polynomial interpolating log1p(e)/e at 200 Chebyshev nodes of
[0, 1] (least squares in the Chebyshev basis), converted to monomials. Prints the coefficients
(highest degree first, as the Horner loop takes them) and the worst relative error of e * P(e)
evaluated in float32 on a fine grid against float64 log1p.

    python scripts/bench/fit_log1p.py
"""
import numpy as np
from numpy.polynomial import chebyshev as C
from numpy.polynomial import polynomial as P

DEG = 9

k = np.arange(200)
nodes = 0.5 - 0.5 * np.cos(np.pi * (k + 0.5) / 200)
cheb = C.chebfit(2 * nodes - 1, np.log1p(nodes) / nodes, DEG)
in_t = C.cheb2poly(cheb)  # polynomial in t = 2e - 1
coeffs = np.zeros(DEG + 1)
power = np.array([1.0])
for a in in_t:
    coeffs[: len(power)] += a * power
    power = P.polymul(power, [-1.0, 2.0])
c32 = [np.float32(a) for a in coeffs]

e = np.linspace(0, 1, 1_000_001).astype(np.float32)[1:]
acc = np.full_like(e, c32[-1])
for a in c32[-2::-1]:
    acc = (acc * e + a).astype(np.float32)
approx = (acc * e).astype(np.float32).astype(np.float64)
exact = np.log1p(e.astype(np.float64))
print("coefficients, highest degree first:")
for a in c32[::-1]:
    print(f"    {float(a)!r},")
print(f"worst relative error in float32: {np.max(np.abs(approx - exact) / exact):.3e}")

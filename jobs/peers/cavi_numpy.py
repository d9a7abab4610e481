#!/usr/bin/env python3
"""The peer of `jobs/bench cavi-job`: the same model fitted by a single-process NumPy script, as a user would write
it in an afternoon. Reads a CSV (latitude, longitude, mag), ECEF coordinates, S = round(10 mag) clipped at 0,
k-means++ seeding, ITER iterations of CAVI with the full ELBO each, writes the most likely cluster per event.

    python3 cavi_numpy.py CATALOGUE.csv OUT.npy [K] [ITER]

Prints one line of JSON: the seconds of each phase and the final ELBO.
"""
import json
import sys
import time

import numpy as np
from scipy.special import digamma, gammaln, logsumexp

R = 6371.0088


def main():
    t0 = time.time()
    path, out = sys.argv[1], sys.argv[2]
    k = int(sys.argv[3]) if len(sys.argv) > 3 else 8
    iters = int(sys.argv[4]) if len(sys.argv) > 4 else 20
    data = np.loadtxt(path, delimiter=",", skiprows=1, usecols=(0, 1, 2))
    t_read = time.time()
    lat, lon, mag = np.radians(data[:, 0]), np.radians(data[:, 1]), data[:, 2]
    x = R * np.stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)], axis=1)
    s = np.maximum(0, np.round(10 * mag))
    n, d = x.shape
    log_s_fact = gammaln(s + 1)
    nu = x.mean(axis=0)
    var = x.var(axis=0).mean()
    rho, tau = 1 / var, k ** (2 / d) / var
    alpha, beta = 1.0, 1.0 / s.mean()
    log_pi = np.full(k, -np.log(k))
    # k-means++
    rng = np.random.default_rng(42)
    centres = [x[rng.integers(n)]]
    d2 = ((x - centres[0]) ** 2).sum(axis=1)
    for _ in range(1, k):
        c = x[rng.choice(n, p=d2 / d2.sum())]
        centres.append(c)
        d2 = np.minimum(d2, ((x - c) ** 2).sum(axis=1))
    m = np.array(centres)
    rho_star = np.full(k, rho + tau * n / k)
    a = np.full(k, alpha + s.sum() / k)
    b = np.full(k, beta + n / k)
    t_seed = time.time()
    elbo = None
    xx = (x * x).sum(axis=1)
    for _ in range(iters):
        # E-step: log r_nk, normalised by log-sum-exp
        dist = xx[:, None] - 2 * x @ m.T + (m * m).sum(axis=1)[None, :]
        e_log_lambda = digamma(a) - np.log(b)
        log_rho = (log_pi + 0.5 * d * np.log(tau / (2 * np.pi)) - 0.5 * tau * (dist + d / rho_star)[:, :]
                   + s[:, None] * e_log_lambda - a / b - log_s_fact[:, None])
        lse = logsumexp(log_rho, axis=1)
        r = np.exp(log_rho - lse[:, None])
        # ELBO at this q: Σ_n logsumexp + the priors' terms
        prior_mu = (0.5 * d * np.log(rho / rho_star) - 0.5 * rho * (((m - nu) ** 2).sum(axis=1) + d / rho_star)
                    + 0.5 * d).sum()
        e_log_l = digamma(a) - np.log(b)
        prior_l = (alpha * np.log(beta) - gammaln(alpha) + (alpha - 1) * e_log_l - beta * a / b
                   - (a * np.log(b) - gammaln(a) + (a - 1) * e_log_l - a)).sum()
        elbo = lse.sum() + prior_mu + prior_l
        # M-step
        nk = r.sum(axis=0)
        rho_star = rho + tau * nk
        m = (rho * nu + tau * (r.T @ x)) / rho_star[:, None]
        a = alpha + r.T @ s
        b = beta + nk
    t_fit = time.time()
    np.save(out, np.argmax(r, axis=1).astype(np.int32))
    t_write = time.time()
    print(json.dumps({"read": t_read - t0, "seeding": t_seed - t_read, "iterations": t_fit - t_seed,
                      "write": t_write - t_fit, "whole": t_write - t0, "elbo": elbo, "events": n}))


if __name__ == "__main__":
    main()

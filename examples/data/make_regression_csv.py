#!/usr/bin/env python3
"""Writes regression.csv for examples/csv_regression.cpp: 200 rows, 3 features on different scales,
price = 3.0 * area - 2.0 * age + 0.5 * rooms + 10.0 + noise, noise ~ N(0, 0.5^2) (variance 0.25).
Standard library only; the fixed seed makes the file reproducible: python3 make_regression_csv.py > regression.csv"""
import random

rng = random.Random(0)
print("area,age,rooms,price")
for _ in range(200):
    area = rng.uniform(0.5, 3.0)  # e.g. hundreds of square metres
    age = rng.uniform(0.0, 10.0)
    rooms = float(rng.randint(1, 6))
    price = 3.0 * area - 2.0 * age + 0.5 * rooms + 10.0 + rng.gauss(0.0, 0.5)
    print(f"{area:.4f},{age:.3f},{rooms:.0f},{price:.4f}")

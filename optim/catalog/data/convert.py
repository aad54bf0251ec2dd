#!/usr/bin/env python3
"""Convert scikit-learn's bundled iris, wine and breast-cancer CSV files into
the headed CSV files of this folder (see README.md).

Usage: python3 convert.py [SKLEARN_DATA_DIR]

SKLEARN_DATA_DIR defaults to the folder of Debian's python3-sklearn package,
/usr/lib/python3/dist-packages/sklearn/datasets/data. Only the standard
library is used; sklearn itself is not imported.

scikit-learn's files start with a line "N_SAMPLES,N_FEATURES,LABEL_0,LABEL_1,..."
and then have one row per sample: the features, then the class index. This
script writes a header of column names (snake_case of scikit-learn's
feature names), copies every feature cell's text unchanged (no float is
re-formatted) and replaces the class index by its label from the first line.
"""

import os
import re
import sys

# The feature names of sklearn/datasets/_base.py (load_iris, load_wine,
# load_breast_cancer), in column order.
IRIS = ["sepal length (cm)", "sepal width (cm)", "petal length (cm)", "petal width (cm)"]
WINE = [
    "alcohol", "malic_acid", "ash", "alcalinity_of_ash", "magnesium",
    "total_phenols", "flavanoids", "nonflavanoid_phenols", "proanthocyanins",
    "color_intensity", "hue", "od280/od315_of_diluted_wines", "proline",
]
BREAST_CANCER = [
    "mean radius", "mean texture", "mean perimeter", "mean area",
    "mean smoothness", "mean compactness", "mean concavity",
    "mean concave points", "mean symmetry", "mean fractal dimension",
    "radius error", "texture error", "perimeter error", "area error",
    "smoothness error", "compactness error", "concavity error",
    "concave points error", "symmetry error", "fractal dimension error",
    "worst radius", "worst texture", "worst perimeter", "worst area",
    "worst smoothness", "worst compactness", "worst concavity",
    "worst concave points", "worst symmetry", "worst fractal dimension",
]

# (output file, sklearn file, feature names, target column name)
FILES = [
    ("iris.csv", "iris.csv", IRIS, "species"),
    ("wine.csv", "wine_data.csv", WINE, "class"),
    ("breast_cancer.csv", "breast_cancer.csv", BREAST_CANCER, "diagnosis"),
]


def snake(name):
    """snake_case: drop a trailing unit in parentheses, lower-case, and join
    the runs of letters and digits with "_" ("sepal length (cm)" ->
    "sepal_length", "od280/od315_of_diluted_wines" -> "od280_od315_of_diluted_wines")."""
    name = re.sub(r"\s*\([^)]*\)\s*$", "", name)
    return "_".join(re.findall(r"[a-z0-9]+", name.lower()))


def convert(src, dst, features, target):
    with open(src, newline="") as f:
        lines = f.read().splitlines()
    first = lines[0].split(",")
    n, d, labels = int(first[0]), int(first[1]), first[2:]
    if d != len(features):
        sys.exit(f"{src}: {d} features, want {len(features)}")
    rows = [line for line in lines[1:] if line.strip()]
    if len(rows) != n:
        sys.exit(f"{src}: {len(rows)} rows, the first line says {n}")
    out = [",".join([snake(x) for x in features] + [target])]
    for i, line in enumerate(rows, start=2):
        cells = line.split(",")
        if len(cells) != d + 1:
            sys.exit(f"{src}:{i}: {len(cells)} fields, want {d + 1}")
        out.append(",".join(cells[:d] + [labels[int(cells[d])]]))
    with open(dst, "w", newline="\n") as f:
        f.write("\n".join(out) + "\n")
    print(f"{dst}: {n} rows, {d} features, classes {', '.join(labels)}")


def main():
    src_dir = sys.argv[1] if len(sys.argv) > 1 else "/usr/lib/python3/dist-packages/sklearn/datasets/data"
    here = os.path.dirname(os.path.abspath(__file__))
    for dst, src, features, target in FILES:
        convert(os.path.join(src_dir, src), os.path.join(here, dst), features, target)


if __name__ == "__main__":
    main()

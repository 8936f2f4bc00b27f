#!/usr/bin/env python3
"""The plain Python pipeline users write today, as a baseline for
`parallax-eval bench --baseline`: scikit-learn TF-IDF and a greedy online
cosine clustering, in arrival order.

Each article (title + text) is a TF-IDF vector (the vectoriser fitted on the
whole stream, as such scripts do); it joins the most similar story, by cosine
to the story's centroid, among the stories seen in the last 48 hours, when
that similarity reaches the threshold, and founds a new story otherwise.
Centroids are kept as running sums. Writes `url<TAB>story` per article.

Usage: baseline.py STREAM.jsonl [--threshold 0.5] --out ASSIGNMENTS.tsv
"""
import argparse
import json
import sys
from datetime import datetime

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

WINDOW = 48 * 3600


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("stream")
    ap.add_argument("--threshold", type=float, default=0.5)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()

    urls, texts, times = [], [], []
    with open(args.stream, encoding="utf-8") as f:
        for line in f:
            a = json.loads(line)
            urls.append(a.get("url") or a.get("id"))
            texts.append((a.get("title") or "") + "\n" + (a.get("text") or ""))
            t = a.get("published")
            times.append(datetime.fromisoformat(t.replace("Z", "+00:00")).timestamp() if t else 0.0)

    X = TfidfVectorizer(sublinear_tf=True, stop_words="english", min_df=2).fit_transform(texts)
    X = normalize(X).tocsr()

    # Greedy online clustering, in mini-batches of 64 articles for speed:
    # the similarities of a batch to the stories' centroids (normalised
    # running sums) are one sparse product; the stories founded or changed
    # since the centroid matrix was last rebuilt are compared directly.
    sums, last, assign = [], [], []
    block, block_ids = None, []
    recent = []  # stories founded or changed since `block` was built
    n = X.shape[0]
    for start in range(0, n, 64):
        xb = X[start:start + 64]
        now = times[min(start + 63, n - 1)]
        sb = (block @ xb.T).toarray() if block is not None else None
        for i in range(xb.shape[0]):
            k = start + i
            v = xb[i]
            best, best_sim = -1, -1.0
            if sb is not None:
                col = sb[:, i]
                j = int(np.argmax(col))
                if times[k] - last[block_ids[j]] <= WINDOW:
                    best, best_sim = block_ids[j], float(col[j])
            if recent:
                rs = list(dict.fromkeys(recent))
                m = normalize(sparse.vstack([sums[r] for r in rs]).tocsr())
                sims = (m @ v.T).toarray().ravel()
                j = int(np.argmax(sims))
                if sims[j] > best_sim:
                    best, best_sim = rs[j], float(sims[j])
            if best >= 0 and best_sim >= args.threshold:
                sums[best] = sums[best] + v
                last[best] = times[k]
                assign.append(best)
            else:
                sums.append(v.copy())
                last.append(times[k])
                best = len(sums) - 1
                assign.append(best)
            recent.append(best)
        if len(recent) >= 256:
            live = [s for s in range(len(sums)) if now - last[s] <= WINDOW]
            block_ids = live
            block = normalize(sparse.vstack([sums[s] for s in live]).tocsr()) if live else None
            recent = []

    with open(args.out, "w", encoding="utf-8") as f:
        for u, s in zip(urls, assign):
            f.write(f"{u}\t{s}\n")
    print(f"{len(assign)} articles, {len(sums)} stories", file=sys.stderr)


if __name__ == "__main__":
    main()

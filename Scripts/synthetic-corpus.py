#!/usr/bin/env python3
"""Seeded synthetic paper corpus for scale tests of papersearch (arXiv JSON-lines shape).

Vocabulary: V pseudo-words built from syllables, with Zipfian background frequencies.
Topics: T topics, each a Zipfian distribution over its own random subset of the vocabulary.
A paper mixes 1-3 topics (Dirichlet weights) with the background (weight 0.35), draws a
title of 6-12 words and an abstract of 80-220 words. Same arguments, same bytes.

Usage: synthetic-corpus.py N OUT.jsonl[.gz] [--seed 7] [--vocab 200000] [--topics 400]
"""
import argparse
import gzip
import json
import numpy as np

ap = argparse.ArgumentParser()
ap.add_argument("n", type=int)
ap.add_argument("out")
ap.add_argument("--seed", type=int, default=7)
ap.add_argument("--vocab", type=int, default=200_000)
ap.add_argument("--topics", type=int, default=400)
a = ap.parse_args()
rng = np.random.default_rng(a.seed)

syllables = np.array([c + v for c in "bcdfghklmnprstvz" for v in "aeiou"] + ["ion", "ent", "al", "ive", "ist", "ra", "ne"])
# Vocabulary: distinct pseudo-words of 2-4 syllables, drawn in bulk.
vocab, seen = [], set()
while len(vocab) < a.vocab:
    lengths = rng.integers(2, 5, size=a.vocab)
    parts = rng.integers(0, len(syllables), size=(a.vocab, 4))
    for row, length in zip(parts, lengths):
        w = "".join(syllables[row[:length]])
        if w not in seen:
            seen.add(w)
            vocab.append(w)
            if len(vocab) == a.vocab:
                break
vocab = np.array(vocab)
# Cumulative distributions, sampled by inverse transform (searchsorted on uniforms).
background_cdf = np.cumsum(1.0 / np.arange(1, a.vocab + 1) ** 1.07)
background_cdf /= background_cdf[-1]
topic_cdf = np.cumsum(1.0 / np.arange(1, 801) ** 0.9)
topic_cdf /= topic_cdf[-1]
topic_words = [rng.choice(a.vocab, size=800, replace=False) for _ in range(a.topics)]
categories = ["cs.CL", "cs.LG", "cs.CV", "cs.AI", "cs.IR", "stat.ML", "cs.NE"]
topic_category = rng.integers(0, len(categories), size=a.topics)

def draw(count, mix, topics):
    """count words: from topic s with probability mix[s], the background with mix[-1]."""
    sources = np.searchsorted(np.cumsum(mix), rng.random(count), side="right").clip(0, len(mix) - 1)
    ids = np.searchsorted(background_cdf, rng.random(count))
    for s, t in enumerate(topics):
        idx = np.nonzero(sources == s)[0]
        ids[idx] = topic_words[t][np.searchsorted(topic_cdf, rng.random(len(idx)))]
    return vocab[np.minimum(ids, a.vocab - 1)]

opener = gzip.open if a.out.endswith(".gz") else open
with opener(a.out, "wt", encoding="utf-8") as f:
    for i in range(a.n):
        k = int(rng.integers(1, 4))
        topics = rng.choice(a.topics, size=k, replace=False)
        mix = np.append(rng.dirichlet(np.ones(k)) * 0.65, 0.35)
        title = " ".join(draw(int(rng.integers(6, 13)), mix, topics)).capitalize()
        abstract = " ".join(draw(int(rng.integers(80, 221)), mix, topics)).capitalize() + "."
        cats = [categories[topic_category[t]] for t in topics]
        cats = list(dict.fromkeys(cats))
        day = 1 + i * 3650 // max(1, a.n)
        year, doy = 2015 + day // 365, day % 365
        month, dom = 1 + doy // 31 % 12, 1 + doy % 28
        rec = {"id": f"synth:{i:07d}",
               "version": 1, "title": title, "abstract": abstract, "categories": cats,
               "primary_category": cats[0], "published": f"{year:04d}-{month:02d}-{dom:02d} 00:00:00"}
        f.write(json.dumps(rec) + "\n")

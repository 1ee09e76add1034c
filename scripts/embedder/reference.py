#!/usr/bin/env python3
"""Reference values for Tests/OpenKoiMemoryTests (tokenizer ids and embeddings).

Usage: scripts/embedder/reference.py [MODEL_DIR] [TEXT ...]

Token ids come from Hugging Face's `tokenizers` (the Rust implementation
sentence-transformers uses) reading the same tokenizer.json, with truncation at
256 tokens (sentence-transformers' max_seq_length for this model) and no padding.
Embeddings come from a float64 numpy forward pass of BERT written from the model
definition (no torch): embeddings + LayerNorm, 6 post-norm encoder layers, mean
pooling over the attention mask, L2 normalisation.  Texts are run as ONE padded
batch with the attention mask, as sentence-transformers does, so the Swift
encoder's packed (unpadded) batches are checked against the masked original.

Needs: pip install --user numpy safetensors tokenizers
"""
import json
import math
import os
import sys

import numpy as np
from safetensors.numpy import load_file
from tokenizers import Tokenizer


def model_dir(argv):
    if len(argv) > 1 and os.path.isdir(argv[1]):
        return argv[1], argv[2:]
    root = os.environ.get("OPENKOI_MODEL_DIR", os.path.expanduser("~/.cache/openkoi/models"))
    return os.environ.get("OPENKOI_EMBEDDER_DIR", os.path.join(root, "all-MiniLM-L6-v2")), argv[1:]


def tokenizer(directory):
    tok = Tokenizer.from_file(os.path.join(directory, "tokenizer.json"))
    tok.no_padding()
    tok.enable_truncation(max_length=256)
    return tok


def layer_norm(x, weight, bias, eps=1e-12):
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * weight + bias


_erf = np.vectorize(math.erf)


def gelu(x):
    return 0.5 * x * (1.0 + _erf(x / math.sqrt(2.0)))


def embed(directory, id_lists):
    w = {k: v.astype(np.float64) for k, v in load_file(os.path.join(directory, "model.safetensors")).items()}
    batch, seq = len(id_lists), max(len(ids) for ids in id_lists)
    ids = np.zeros((batch, seq), dtype=np.int64)
    mask = np.zeros((batch, seq))
    for b, row in enumerate(id_lists):
        ids[b, : len(row)] = row
        mask[b, : len(row)] = 1
    x = (w["embeddings.word_embeddings.weight"][ids]
         + w["embeddings.position_embeddings.weight"][np.arange(seq)][None]
         + w["embeddings.token_type_embeddings.weight"][0][None, None])
    x = layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
    heads, dim = 12, 32
    additive = (1.0 - mask)[:, None, None, :] * np.finfo(np.float32).min
    for i in range(6):
        p = f"encoder.layer.{i}."
        lin = lambda h, name: h @ w[p + name + ".weight"].T + w[p + name + ".bias"]
        split = lambda h: h.reshape(batch, seq, heads, dim).transpose(0, 2, 1, 3)
        q, k, v = (split(lin(x, "attention.self." + n)) for n in ("query", "key", "value"))
        scores = q @ k.transpose(0, 1, 3, 2) / math.sqrt(dim) + additive
        scores -= scores.max(-1, keepdims=True)
        probs = np.exp(scores)
        probs /= probs.sum(-1, keepdims=True)
        context = (probs @ v).transpose(0, 2, 1, 3).reshape(batch, seq, heads * dim)
        x = layer_norm(lin(context, "attention.output.dense") + x,
                       w[p + "attention.output.LayerNorm.weight"], w[p + "attention.output.LayerNorm.bias"])
        h = gelu(lin(x, "intermediate.dense"))
        x = layer_norm(lin(h, "output.dense") + x, w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"])
    pooled = (x * mask[..., None]).sum(1) / mask.sum(1, keepdims=True)
    return pooled / np.linalg.norm(pooled, axis=1, keepdims=True)


def main():
    directory, texts = model_dir(sys.argv)
    if not texts:
        texts = json.load(sys.stdin)
    tok = tokenizer(directory)
    id_lists = [tok.encode(t).ids for t in texts]
    vectors = embed(directory, id_lists)
    json.dump({"texts": texts, "ids": id_lists, "embeddings": vectors.tolist(),
               "cosine": (vectors @ vectors.T).tolist()}, sys.stdout)


if __name__ == "__main__":
    main()

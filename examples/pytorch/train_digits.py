"""Train the hybrid adder net and the plain CNN on scikit-learn's 8x8 digits, export both to ONNX.

Data: sklearn.datasets.load_digits (shipped with scikit-learn, no download), pixel values 0..16
divided by 16 so inputs lie in [0, 1]; a fixed stratified 75/25 train/test split
(random_state=0). Training is on CPU with fixed seeds, deterministic algorithms and one thread.

Writes to models/digits/ (or --out):
  digits_adder.onnx, digits_cnn.onnx     the two networks, input "input" [1,1,8,8], output "logits" [1,10]
  test_x.npy        float32 [N,1,8,8]    test images, NCHW as PyTorch sees them
  test_y.npy        int64 [N]            test labels
  calib_x.npy       float32 [64,1,8,8]   the first 64 training images (calibration set)
  test_logits_ref.npy      float32 [N,10]   the adder net's logits on test_x (PyTorch, float32)
  test_logits_cnn_ref.npy  float32 [N,10]   the plain CNN's logits on test_x
  float_accuracy.json      test accuracies of both nets as computed here

Usage: python train_digits.py [--out DIR] [--epochs N]
"""

import argparse
import json
import os
import random
import time

import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

from export import export_onnx
from models import DigitsNet

SEED = 0
CALIB_COUNT = 64


def set_determinism(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(1)


def load_split() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    digits = load_digits()
    x = (digits.images.astype(np.float32) / 16.0).reshape(-1, 1, 8, 8)
    y = digits.target.astype(np.int64)
    x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.25, random_state=SEED, stratify=y)
    return x_train, x_test, y_train, y_test


def train(model: nn.Module, x: np.ndarray, y: np.ndarray, epochs: int, lr: float, seed: int) -> None:
    set_determinism(seed)
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9, weight_decay=5e-4)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, epochs)
    loss_fn = nn.CrossEntropyLoss()
    generator = torch.Generator().manual_seed(seed)
    batch = 32
    for epoch in range(epochs):
        model.train()
        order = torch.randperm(len(xt), generator=generator)
        total = 0.0
        for start in range(0, len(xt), batch):
            idx = order[start : start + batch]
            optimizer.zero_grad()
            loss = loss_fn(model(xt[idx]), yt[idx])
            loss.backward()
            optimizer.step()
            total += loss.item() * len(idx)
        scheduler.step()
        if epoch % 10 == 9 or epoch == epochs - 1:
            print(f"  epoch {epoch + 1:3d}  loss {total / len(xt):.4f}")


@torch.no_grad()
def logits_of(model: nn.Module, x: np.ndarray) -> np.ndarray:
    model.eval()
    return model(torch.from_numpy(x)).numpy().astype(np.float32)


def main() -> None:
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=os.path.join(here, "..", "..", "models", "digits"))
    parser.add_argument("--epochs", type=int, default=60)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)

    x_train, x_test, y_train, y_test = load_split()
    print(f"train {len(x_train)}  test {len(x_test)}")
    accuracy = {"data": "sklearn load_digits, x/16, stratified 75/25 split, random_state=0", "test_count": len(x_test)}

    for name, adder, lr in (("adder", True, 0.1), ("cnn", False, 0.05)):
        set_determinism(SEED)
        model = DigitsNet(adder)
        start = time.time()
        print(f"training {name}")
        train(model, x_train, y_train, args.epochs, lr, SEED)
        seconds = time.time() - start
        logits = logits_of(model, x_test)
        acc = float((logits.argmax(1) == y_test).mean())
        print(f"{name}: float test accuracy {acc:.4f}  ({seconds:.1f} s training)")
        accuracy[name] = {"test_accuracy": acc, "train_seconds": round(seconds, 1), "epochs": args.epochs}
        export_onnx(model, (1, 1, 8, 8), os.path.join(args.out, f"digits_{name}.onnx"))
        suffix = "" if adder else "_cnn"
        np.save(os.path.join(args.out, f"test_logits{suffix}_ref.npy"), logits)

    np.save(os.path.join(args.out, "test_x.npy"), np.ascontiguousarray(x_test, dtype=np.float32))
    np.save(os.path.join(args.out, "test_y.npy"), y_test.astype(np.int64))
    np.save(os.path.join(args.out, "calib_x.npy"), np.ascontiguousarray(x_train[:CALIB_COUNT], dtype=np.float32))
    with open(os.path.join(args.out, "float_accuracy.json"), "w") as f:
        json.dump(accuracy, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()

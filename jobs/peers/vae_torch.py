#!/usr/bin/env python3
"""The PyTorch reference of `jobs/sparkvi vae` (../shared/anchors.md): the same VAE trained as a PyTorch user
writes it, float32 on 2 threads. Encoder 784-400-400-(200,200), decoder 200-400-400-784, LeakyReLU(0.2),
loss = BCE(sum) + analytic KL, Adam 1e-3, batch 100 shuffled by a DataLoader, pixels round(p/255).

    python3 vae_torch.py MNIST_DIR [EPOCHS] [SEED]

MNIST_DIR holds the raw IDX files (`jobs/sparkvi fetch-mnist` puts them in data/mnist). Prints one line of JSON per
epoch: the training loss per image (the sum of the batch losses / 60000) and the seconds. Needs Debian's
python3-torch (`apt-get install -y python3-torch`); run it with /usr/bin/python3.
"""
import json
import sys
import time

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F


def images(path):
    with open(path, "rb") as f:
        data = f.read()
    n = int.from_bytes(data[4:8], "big")
    return np.frombuffer(data, dtype=np.uint8, offset=16).reshape(n, 784)


class Vae(nn.Module):
    def __init__(self):
        super().__init__()
        self.e1 = nn.Linear(784, 400)
        self.e2 = nn.Linear(400, 400)
        self.mu = nn.Linear(400, 200)
        self.logvar = nn.Linear(400, 200)
        self.d1 = nn.Linear(200, 400)
        self.d2 = nn.Linear(400, 400)
        self.out = nn.Linear(400, 784)

    def forward(self, x):
        h = F.leaky_relu(self.e2(F.leaky_relu(self.e1(x), 0.2)), 0.2)
        mu, logvar = self.mu(h), self.logvar(h)
        z = mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)
        g = F.leaky_relu(self.d2(F.leaky_relu(self.d1(z), 0.2)), 0.2)
        return self.out(g), mu, logvar


def main():
    folder = sys.argv[1]
    epochs = int(sys.argv[2]) if len(sys.argv) > 2 else 15
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    torch.set_num_threads(2)
    torch.manual_seed(seed)
    x = torch.round(torch.from_numpy(images(folder + "/train-images-idx3-ubyte").astype(np.float32)) / 255)
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x), batch_size=100, shuffle=True)
    model = Vae()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    for epoch in range(1, epochs + 1):
        t0 = time.time()
        total = 0.0
        for (batch,) in loader:
            logits, mu, logvar = model(batch)
            bce = F.binary_cross_entropy_with_logits(logits, batch, reduction="sum")
            kl = -0.5 * torch.sum(1 + logvar - mu * mu - logvar.exp())
            loss = bce + kl
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        print(json.dumps({"seed": seed, "epoch": epoch, "train_loss": round(total / len(x), 3),
                          "seconds": round(time.time() - t0, 1)}), flush=True)


if __name__ == "__main__":
    main()

"""The digits networks: a hybrid adder net and a plain CNN of the same architecture.

Input [N, 1, 8, 8] in [0, 1]. Layers:
  conv 1->16 3x3 pad 1 (ordinary, as in the reference networks) + BN + ReLU     -> 16 x 8 x 8
  layer2 16->32 3x3 stride 2 pad 1 + BN + ReLU                                   -> 32 x 4 x 4
  layer3 32->32 3x3 stride 1 pad 1 + BN + ReLU                                   -> 32 x 4 x 4
  global average pool, flatten, ordinary Linear 32->10 (as in the reference networks)
layer2/layer3 are adder layers in the adder net and ordinary convolutions in the plain CNN.
"""

import torch
import torch.nn as nn

from adder import Adder2d


def conv_bn_relu(layer: nn.Module, channels: int) -> nn.Sequential:
    return nn.Sequential(layer, nn.BatchNorm2d(channels), nn.ReLU())


class DigitsNet(nn.Module):
    def __init__(self, adder: bool):
        super().__init__()

        def middle(cin: int, cout: int, stride: int) -> nn.Module:
            if adder:
                return Adder2d(cin, cout, 3, stride=stride, padding=1)
            return nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False)

        self.features = nn.Sequential(
            conv_bn_relu(nn.Conv2d(1, 16, 3, padding=1, bias=False), 16),
            conv_bn_relu(middle(16, 32, 2), 32),
            conv_bn_relu(middle(32, 32, 1), 32),
        )
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Linear(32, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(torch.flatten(self.pool(self.features(x)), 1))

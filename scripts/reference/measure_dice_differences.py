"""Measures the kornia 0.9.0 and pytorch-optimizer 4.1.0 behaviours quoted in the "Deliberate
differences from the frameworks" table of data/reference/README.md (run by hand in the reference
virtualenv; not a generator: the golden cases cannot hold a NaN that reweigh answers with an
error).
"""
import torch
from kornia.losses import dice_loss, tversky_loss
from pytorch_optimizer.loss import TverskyLoss

torch.manual_seed(0)
x = torch.randn(2, 3, 2, 2, dtype=torch.float64)
y = torch.randint(0, 3, (2, 2, 2))

# a negative class weight and a NaN one are accepted
for w in ([1.0, -1.0, 1.0], [1.0, float("nan"), 1.0]):
    wt = torch.tensor(w, dtype=torch.float64)
    print("weight", w, "micro", dice_loss(x, y, "micro", weight=wt).item(),
          "macro", dice_loss(x, y, "macro", weight=wt).item())

# NaN and infinite logits propagate
for v in (float("nan"), float("inf"), float("-inf")):
    xn = x.clone()
    xn[0, 0, 0, 0] = v
    xn.requires_grad_(True)
    loss = dice_loss(xn, y)
    loss.backward()
    print("logit", v, "dice", loss.item(), "grad finite", bool(torch.isfinite(xn.grad).all()),
          "tversky", tversky_loss(xn.detach(), y, 0.3, 0.7).item())

# an empty batch
print("empty batch: dice", dice_loss(torch.zeros(0, 3, 2, 2), torch.zeros(0, 2, 2, dtype=torch.long)).item(),
      "tversky", tversky_loss(torch.zeros(0, 3, 2, 2), torch.zeros(0, 2, 2, dtype=torch.long), 0.3, 0.7).item())

# tversky_loss with eps=0, beta=0: a present class whose probabilities underflow to 0 is 0/0
xu = torch.tensor([[[[0.0]], [[709.0]]]], dtype=torch.float32)  # class 0: p = 0 in float32
yu = torch.zeros(1, 1, 1, dtype=torch.long)
print("tversky eps=0 beta=0 underflow (float32):", tversky_loss(xu, yu, 0.5, 0.0, eps=0.0).item(),
      "(float64):", tversky_loss(xu.double(), yu, 0.5, 0.0, eps=0.0).item())

# pytorch_optimizer's TverskyLoss flattens: 1-D inputs and targets of another shape of the same
# size are accepted
po = TverskyLoss(0.3, 0.7)
print("pytorch_optimizer 1-D:", po(torch.tensor([0.5, -1.0, 2.0]), torch.tensor([1.0, 0.0, 1.0])).item())
print("pytorch_optimizer (2, 3) vs (3, 2):",
      po(torch.randn(2, 3), (torch.rand(3, 2) < 0.5).double()).item())

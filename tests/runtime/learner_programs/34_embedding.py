import torch
import torch.nn as nn

torch.manual_seed(0)

emb = nn.Embedding(10, 4)
print(emb)
tokens = torch.tensor([[1, 2, 4], [4, 3, 9]])
vectors = emb(tokens)
print(vectors.shape)
print(vectors[0])
bag = vectors.mean(dim=1)
head = nn.Linear(4, 2)
loss = nn.functional.cross_entropy(head(bag), torch.tensor([0, 1]))
loss.backward()
print(loss.item())
print(emb.weight.grad[4], emb.weight.grad[0])
padded = nn.Embedding(5, 3, padding_idx=0)
print(padded(torch.tensor([0, 2])))
fixed = nn.Embedding.from_pretrained(torch.eye(3))
print(fixed(torch.tensor([2, 0])), fixed.weight.requires_grad)

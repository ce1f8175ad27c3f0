import torch

torch.manual_seed(0)

a = torch.randn(3, 4)
b = torch.randn(4, 2)
v = torch.randn(4)
print(torch.einsum("ij,jk->ik", a, b))
print(torch.allclose(torch.einsum("ij,jk->ik", a, b), a @ b))
print(torch.einsum("ij->ji", a).shape)
print(torch.einsum("ij->", a), torch.einsum("ij->j", a))
print(torch.einsum("i,i->", v, v), torch.dot(v, v))
print(torch.einsum("i,j->ij", v, v[:2]))
batch = torch.randn(2, 3, 4)
print(torch.einsum("bij,jk->bik", batch, b))
print(torch.einsum("ii->i", torch.randn(3, 3)))

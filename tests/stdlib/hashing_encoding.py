# hashlib, base64, uuid: a cache key made from a request, and ids for rows.
import base64
import hashlib
import hmac
import uuid

key = "GET /products/product1"
print(hashlib.sha256(key.encode()).hexdigest())
print(hashlib.md5(b"product1").hexdigest(), hashlib.sha1(b"").hexdigest())
print(hashlib.sha512(b"abc").hexdigest()[:32], hashlib.blake2b(b"abc").hexdigest()[:16])
h = hashlib.new("sha256")
h.update(b"product1:")
h.update(b"150")
print(h.hexdigest()[:16], h.digest_size, h.name, "sha256" in hashlib.algorithms_guaranteed)
print(hmac.new(b"secret", b"product1=150", "sha256").hexdigest()[:24])
print(base64.b64encode(b"product1:150"), base64.b64decode("cHJvZHVjdDE6MTUw"))
print(base64.urlsafe_b64encode(b"\xfb\xff"), base64.b16encode(b"hi"), base64.b32encode(b"ab"))
u = uuid.UUID("12345678-1234-5678-1234-567812345678")
print(u, u.hex, u.version, uuid.uuid5(uuid.NAMESPACE_DNS, "example.com"), uuid.uuid3(uuid.NAMESPACE_URL, "x"))
print(len(str(uuid.uuid4())), uuid.uuid4().version, uuid.UUID(int=1))

# re, string, textwrap: checking a Redis command before sending it.
import re
import string
import textwrap

command = "HSET product_prices product1 150"
m = re.fullmatch(r"HSET (\w+) (\w+) (\d+(?:\.\d+)?)", command)
print(m.groups(), m.group(3), m.span(2))
print(re.findall(r"product\d", "product1 product22 productX"), re.sub(r"\s+", " ", "a   b \t c"))
print(re.split(r"[,;]\s*", "a, b;c"), bool(re.match(r"^\d+$", "12a")), re.search(r"(?P<n>\d+)", "x42y").group("n"))
pattern = re.compile(r"(?i)hset")
print(pattern.pattern, pattern.flags & re.IGNORECASE != 0, [m.start() for m in pattern.finditer("HSET hset HSet")])
print(re.escape("1+1=2?"), re.sub(r"(\d+)", lambda m: str(int(m.group(1)) * 2), "a1 b20"))
try:
    re.compile("(")
except re.error as e:
    print("re.error:", e)
print(string.ascii_lowercase, string.digits, string.punctuation[:5])
print(string.Template("$product costs $price").substitute(product="product1", price=150))
print(string.capwords("write through cache"), "{:>8}|{:<6}|{:^7}".format("a", "b", "c"))
text = "Write-through: every update writes the cache and the database, in one operation, so a read from the cache is never stale."
print(textwrap.fill(text, width=40))
print(textwrap.shorten(text, width=50), textwrap.indent("a\nb", "> "), sep="\n")
print(textwrap.dedent("    one\n      two\n"))

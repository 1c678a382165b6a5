"""A program whose locals are assigned on some paths, in loops and not at all (annotated
locals read as 0), for tests/test_backend_avr_native.py and test_backend_msp430_native.py:
the prologue clears only the locals a path may read before writing them."""
CLEAR_SRC = """
function dirty(a::Int16, b::Int16)
    x = a * b
    y = a + b
    z = a - b
    w = x ⊻ y
    for i in 1:3
        x += y
        y += z
        z += w
        w += x
    end
    return x + y + z + w
end

function pick(c::Bool, a::Int16, b::Int16)
    if c
        x = a + Int16(1)
    else
        x = b - Int16(1)
    end
    y = Int16(0)
    if a > b
        y = a
    end
    return x * Int16(10) + y
end

function carried(n::Int16)
    prev = Int16(-1)
    s = Int16(0)
    for i in 1:n
        if i > Int16(2)
            s += prev
        end
        prev = i * Int16(3)
    end
    local k::Int16
    local d::Int32
    println(s, " ", k, " ", d)
end

function zk(n::Int16)
    local k::Int16
    for i in 1:n
        k += i
    end
    return k
end

function outer(n::Int16)
    p = n * Int16(3)
    q = n + Int16(11)
    r = n - Int16(5)
    u = p ⊻ q
    v = q * r
    g = p + v
    carried(n)
    return p + q + r + u + v + g + zk(n)
end

for t in 1:2
    print(dirty(Int16(t + 3), Int16(7)), " ")
    print(pick(t == 1, Int16(5), Int16(3)), " ", pick(false, Int16(2), Int16(9)), " ")
    println(outer(Int16(5)))
end
"""


def clear_expected() -> str:
    def w(v):
        v &= 0xFFFF
        return v - 0x10000 if v & 0x8000 else v

    out = []
    for t in (1, 2):
        a, b = t + 3, 7
        x, y, z = w(a * b), w(a + b), w(a - b)
        ww = w(x ^ y)
        for _ in range(3):
            x = w(x + y)
            y = w(y + z)
            z = w(z + ww)
            ww = w(ww + x)
        out.append(f"{w(x + y + z + ww)} ")
        def pick(c, a, b):
            x = a + 1 if c else b - 1
            y = a if a > b else 0
            return w(x * 10 + y)
        out.append(f"{pick(t == 1, 5, 3)} {pick(False, 2, 9)} ")
        s, prev = 0, -1
        for i in range(1, 6):
            if i > 2:
                s = w(s + prev)
            prev = i * 3
        out.append(f"{s} 0 0\n")
        n = 5
        p, q, r = n * 3, n + 11, n - 5
        u, v = p ^ q, q * r
        out.append(f"{w(p + q + r + u + v + p + v + 15)}\n")
    return "".join(out)

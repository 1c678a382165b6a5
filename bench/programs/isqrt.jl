# Sum of isqrt(n) for n in 1:1000, bitwise integer square root: 20615.
function isqrt16(n::UInt16)
    r = 0x0000
    bit = 0x4000
    while bit > n
        bit >>= 2
    end
    while bit != 0x0000
        if n >= r + bit
            n -= r + bit
            r = (r >> 1) + bit
        else
            r >>= 1
        end
        bit >>= 2
    end
    return r
end

function work(m::UInt16)
    s = 0x0000
    for n in 0x0001:m
        s += isqrt16(n)
    end
    return s
end

top = UInt16(1000)
MARKER[] = 0x01
s = work(top)
MARKER[] = 0x02
println(s)

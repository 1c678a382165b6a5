# Sum of gcd(a, b) for a in 1:100, b in 1:50, by remainders: 13870.
function gcd16(a, b)
    while b != 0
        t = a % b
        a = b
        b = t
    end
    return a
end

function work(ma, mb)
    s = Int16(0)
    for a in Int16(1):ma
        for b in Int16(1):mb
            s += gcd16(a, b)
        end
    end
    return s
end

na = Int16(100)
nb = Int16(50)
MARKER[] = 0x01
s = work(na, nb)
MARKER[] = 0x02
println(s)

# Total Collatz steps to reach 1 for n in 1:300: 14167 (peak value 13120).
function steps(n::Int16)
    k = Int16(0)
    while n != Int16(1)
        n = isodd(n) ? Int16(3) * n + Int16(1) : n >> 1
        k += Int16(1)
    end
    return k
end

function work(m::Int16)
    s = Int16(0)
    for n in Int16(1):m
        s += steps(n)
    end
    return s
end

top = Int16(300)
MARKER[] = 0x01
s = work(top)
MARKER[] = 0x02
println(s)

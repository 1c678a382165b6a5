# Bubble sort of 64 Int16 (no early exit); check: sum of v[i]*(i-1) = 29227296.
v = zeros(Int16, 64)

function fill_zx81!(v, n)
    x = UInt32(1)
    for i in 1:n
        x = (UInt32(75) * x + UInt32(74)) % UInt32(65537)
        @inbounds v[i] = x % Int16
    end
end

function bubble!(v, n)
    for i in 1:n - 1
        for j in 1:n - i
            @inbounds a = v[j]
            @inbounds b = v[j + 1]
            if a > b
                @inbounds v[j] = b
                @inbounds v[j + 1] = a
            end
        end
    end
end

count = Int16(64)
fill_zx81!(v, count)
MARKER[] = 0x01
bubble!(v, count)
MARKER[] = 0x02
s = Int32(0)
for i in 1:count
    global s += Int32(v[i]) * Int32(i - 1)
end
println(s)

# A bit sieve: primes below 2000 (303), composites marked for i*i < 2000.
bits = zeros(UInt8, 250)

isset(i) = @inbounds(bits[(i >> 3) + 1]) & (0x01 << (i & 7)) != 0x00

function sieve(n::UInt16)
    for k in 1:250
        @inbounds bits[k] = 0x00
    end
    i = UInt16(2)
    while i * i < n
        if !isset(i)
            j = i * i
            while j < n
                @inbounds bits[(j >> 3) + 1] |= 0x01 << (j & 7)
                j += i
            end
        end
        i += 1
    end
    count = UInt16(0)
    for k in UInt16(2):n - 1
        if !isset(k)
            count += 1
        end
    end
    return count
end

limit = UInt16(2000)
MARKER[] = 0x01
c = sieve(limit)
MARKER[] = 0x02
println(c)

# Lesson 7: one program compiled for speed (the default) and for size (--size):
#   jlforth run examples/tutorial_7_size.jl --size
#   jlforth size examples/tutorial_7_size.jl --size
using MCU

const MSG = UInt8[0x6a, 0x6c, 0x66, 0x6f, 0x72, 0x74, 0x68]   # "jlforth", in flash

# rotate the sum left by 3 bits, then mix in the next byte
function checksum(data, n::Int16)
    s = UInt16(0)
    for i in 1:n
        s = (s << 3) ⊻ (s >> 13) ⊻ UInt16(data[i])
    end
    return s
end

# how many bits of x are 1
function ones(x::UInt16)
    c = Int16(0)
    while x != 0x0000
        c += Int16(x & 0x0001)
        x >>= 1
    end
    return c
end

c = checksum(MSG, Int16(7))
println("checksum of jlforth: ", c)
println("bits set: ", ones(c))

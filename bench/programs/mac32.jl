# s += Int32(i) * Int32(i + 7) for i in 0:499: 42415000.
function mac(m::Int16)
    s = Int32(0)
    for i in Int16(0):m
        s += Int32(i) * Int32(i + Int16(7))
    end
    return s
end

last = Int16(499)
MARKER[] = 0x01
s = mac(last)
MARKER[] = 0x02
println(s)

# Euclid's algorithm, specialised for Int16 and Int32 arguments, and lcm.
using MCU

function euclid(a, b)
    while b != 0
        t = a % b
        a = b
        b = t
    end
    abs(a)
end

lcm16(a::Int16, b::Int16)::Int32 = Int32(a ÷ euclid(a, b)) * Int32(b)

println(euclid(Int16(1071), Int16(462)))
println(euclid(Int16(-48), Int16(18)))
println(euclid(Int16(17), Int16(0)))
println(euclid(Int32(1_000_000), Int32(37_500)))
println(euclid(Int32(2_147_483_646), Int32(1_073_741_823)))
println(lcm16(Int16(21), Int16(6)))
println(lcm16(Int16(300), Int16(280)))

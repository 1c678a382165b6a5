# Collatz chains: how many steps from n down to 1.  Chains climb far above
# 65535 (from 27 they reach 9232, from 703 they reach 250504), so the values
# are UInt32.
using MCU

function steps(start::UInt32)::Int16
    n = start
    count = Int16(0)
    while n != 0x00000001
        if iseven(n)
            n = n ÷ 0x00000002
        else
            n = 0x00000003 * n + 0x00000001
        end
        count += Int16(1)
    end
    count
end

function peak(start::UInt32)::UInt32
    n = start
    top = n
    while n != 0x00000001
        n = iseven(n) ? n >> 1 : 0x00000003 * n + 0x00000001
        top = max(top, n)
    end
    top
end

for n in 0x00000001:0x0000000a
    print(steps(n), ' ')
end
println()
best = UInt32(1)
beststeps = Int16(0)
for n in 0x00000001:0x000000ff
    s = steps(n)
    if s > beststeps
        global best = n
        global beststeps = s
    end
end
println("longest below 256: ", best, " with ", beststeps, " steps")
println("27 climbs to ", peak(UInt32(27)), ", 703 to ", peak(UInt32(703)))

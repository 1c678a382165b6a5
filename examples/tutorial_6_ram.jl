# Lesson 6: fitting into 512 bytes of RAM.  RAM holds globals and arrays (data
# space), the data stack and the return stack (return addresses, arguments and
# locals of the functions running).  Constant tables can stay in flash.
using MCU

const SQUARES = UInt16[0, 1, 4, 9, 16, 25, 36, 49]   # const, never written: flash
samples = zeros(UInt8, 16)          # 16 bytes of RAM (Int16 would take 32)
count = 0                           # 2 bytes
total = Int32(0)                    # 4 bytes

function record!(x::UInt8)
    global count, total
    samples[count % 16 + 1] = x     # a ring buffer: old values are overwritten
    count += 1
    total += x
end

function average()::UInt8
    n = min(count, 16)
    s = 0                           # a local: a return-stack cell, only while this runs
    for i in 1:n
        s += samples[i]
    end
    UInt8(s ÷ n)
end

depth(n::Int16)::Int16 = n == 0 ? 0 : 1 + depth(n - Int16(1))   # each call: 4 bytes of return stack

for i in 1:20
    record!(UInt8(SQUARES[i % 8 + 1] % 256))
end
println("recorded ", count, " samples, total ", total)
println("average of the last 16: ", average())
println("recursion 100 deep: ", depth(Int16(100)))

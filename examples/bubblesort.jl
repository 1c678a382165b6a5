# Bubble sort in place, specialised for two array types.
using MCU

xs = Int16[31, -4, 15, 9, -26, 5, 3, 58, 0, -9, 32767, -32768]
bytes = UInt8[0xc8, 0x07, 0x40, 0x00, 0xff, 0x10]

function bubble!(v)
    n = length(v)
    swapped = true
    while swapped
        swapped = false
        for i in 2:n
            if v[i-1] > v[i]
                t = v[i]
                v[i] = v[i-1]
                v[i-1] = t
                swapped = true
            end
        end
        n -= 1
    end
end

function printall(v)
    for k in eachindex(v)
        print(v[k])
        print(k == length(v) ? '\n' : ' ')
    end
end

printall(xs)
bubble!(xs)
printall(xs)
printall(bytes)
bubble!(bytes)
printall(bytes)

# Fibonacci numbers: a loop in Int32 (fib(46) is the largest that fits) and
# the doubly recursive definition in Int16.
using MCU

function fib(n::Int16)::Int32
    a = Int32(0)
    b = Int32(1)
    for _ in 1:n
        t = a + b
        a = b
        b = t
    end
    a
end

rfib(n::Int16)::Int16 = n < Int16(2) ? n : rfib(n - Int16(1)) + rfib(n - Int16(2))

for n in Int16(0):Int16(15)
    print(fib(n), ' ')
end
println()
println("fib(46) = ", fib(Int16(46)))
println("fib(47) wraps around: ", fib(Int16(47)))
println("rfib(18) = ", rfib(Int16(18)))

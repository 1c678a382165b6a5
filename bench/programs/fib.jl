# Recursive Fibonacci: fib(20) = 6765.
fib(n) = n < 2 ? n : fib(n - 1) + fib(n - 2)

arg = Int16(20)
MARKER[] = 0x01
r = fib(arg)
MARKER[] = 0x02
println(r)

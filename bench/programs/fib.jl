# Recursive Fibonacci: fib(20) = 6765.
fib(n) = n < 2 ? n : fib(n - 1) + fib(n - 2)

arg = Int16(20)
GPIOR0[] = 0x01
r = fib(arg)
GPIOR0[] = 0x02
println(r)

# The primes below 200 by the sieve of Eratosthenes, on a Vector{Bool} in RAM.
using MCU

const N = 200
isprime = fill(true, N)

function sieve!(flags::Vector{Bool})
    flags[1] = false
    i = 2
    while i * i <= length(flags)
        if flags[i]
            for j in i*i:i:length(flags)
                flags[j] = false
            end
        end
        i += 1
    end
end

function report(flags::Vector{Bool})
    count = 0
    for n in eachindex(flags)
        if flags[n]
            count += 1
            print(n)
            print(count % 10 == 0 ? '\n' : ' ')
        end
    end
    println()
    println(count, " primes up to ", length(flags))
end

sieve!(isprime)
report(isprime)

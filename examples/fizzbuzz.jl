# FizzBuzz: multiples of 3 print Fizz, of 5 Buzz, of both FizzBuzz.
using MCU

function fizzbuzz(n::Int16)
    for i in 1:n
        if i % 15 == 0
            println("FizzBuzz")
        elseif i % 3 == 0
            println("Fizz")
        elseif i % 5 == 0
            println("Buzz")
        else
            println(i)
        end
    end
end

fizzbuzz(Int16(20))

# Print "1 2 ... 100" through the UART at 38400 baud, waits included.
function work(m::Int16)
    for i in Int16(1):m
        print(i)
        if i < m
            print(' ')
        end
    end
end

top = Int16(100)
GPIOR0[] = 0x01
work(top)
GPIOR0[] = 0x02
println()

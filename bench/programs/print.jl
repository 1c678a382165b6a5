# Print "1 2 ... 100" through the UART at the kernel's baud, waits included.
function work(m::Int16)
    for i in Int16(1):m
        print(i)
        if i < m
            print(' ')
        end
    end
end

top = Int16(100)
MARKER[] = 0x01
work(top)
MARKER[] = 0x02
println()

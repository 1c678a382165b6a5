# Blink the Arduino Uno's LED (PB5, pin 13) a few times and say so on the
# serial line, so the program is visible without hardware as well.
using MCU

const LED = 0x20                # PORTB bit 5

function blink(times::Int16, period::UInt16)
    for i in 1:times
        PORTB[] ⊻= LED          # toggle the pin
        if (PORTB[] & LED) != 0
            println("blink ", i, ": LED on")
        else
            println("blink ", i, ": LED off")
        end
        delay_ms(period)
    end
end

DDRB[] |= LED                   # PB5 is an output
PORTB[] &= ~LED                 # start with the LED off
blink(Int16(6), UInt16(100))
println("done after ", 6 * 100, " ms of blinking")

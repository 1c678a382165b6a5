# Lesson 1: blink the LED.  The Arduino Uno's LED is on pin 13, which is bit 5
# of port B: DDRB says which pins are outputs, PORTB sets their level.
using MCU

const LED = 0x20                    # bit 5 of port B (pin 13)

function blink(times::Int16)
    for i in 1:times
        PORTB[] |= LED              # LED on
        println("on")
        delay_ms(100)
        PORTB[] &= ~LED             # LED off
        println("off")
        delay_ms(100)
    end
end

DDRB[] |= LED                       # pin 13 is an output
blink(Int16(2))

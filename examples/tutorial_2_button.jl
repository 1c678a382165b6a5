# Lesson 2: read a button.  A push button between pin 8 (PB0) and GND, with the
# chip's internal pull-up resistor switched on: PINB bit 0 reads 1 while the
# button is up and 0 while it is pressed.  The simulated Uno has nothing wired
# to its pins, so we "press" the button by driving the pin low ourselves
# (harmless on a real board too: pin and button both pull to GND).
using MCU

const BUTTON = 0x01                 # PB0, Arduino pin 8
const LED = 0x20                    # PB5, Arduino pin 13

pressed() = (PINB[] & BUTTON) == 0  # active low

function press!(down::Bool)         # simulation only: stands in for a finger
    if down
        DDRB[] |= BUTTON            # output, low: like a closed button
        PORTB[] &= ~BUTTON
    else
        DDRB[] &= ~BUTTON           # input again, pull-up on
        PORTB[] |= BUTTON
    end
end

function follow()                   # the LED shows the button
    if pressed()
        PORTB[] |= LED
    else
        PORTB[] &= ~LED
    end
end

DDRB[] |= LED
press!(false)
presses = 0
was = false
for t in 1:8                        # eight looks at the button
    global presses, was
    press!(t == 3 || t == 4 || t == 7)
    now = pressed()
    follow()
    if now && !was                  # a new press: the edge, not the level
        presses += 1
        println("press ", presses, " at look ", t)
    end
    was = now
end
if (PORTB[] & LED) != 0
    println("LED on, ", presses, " presses")
else
    println("LED off, ", presses, " presses")
end

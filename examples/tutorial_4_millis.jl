# Lesson 4: time with millis().  millis() counts milliseconds since start-up
# (UInt32).  Instead of waiting with delay_ms, a loop can look at the clock and
# do each job when it is due: the chip stays free for other work.
using MCU

const LED = 0x20

function blink_for(ms::UInt32, period::UInt32)
    t0 = millis()
    next = period                   # when the next toggle is due, counted from t0
    toggles = 0
    spins = UInt32(0)               # how often the loop ran meanwhile
    elapsed = UInt32(0)
    while elapsed < ms
        if elapsed >= next
            PORTB[] ⊻= LED
            toggles += 1
            println("toggle ", toggles, " at ", next, " ms")
            next += period
        end
        spins += 1                  # here the chip could do anything else
        elapsed = millis() - t0     # one look at the clock per pass
    end
    println(toggles, " toggles; the loop ran more than 1000 times: ", spins > 1000)
end

DDRB[] |= LED
blink_for(UInt32(1000), UInt32(250))

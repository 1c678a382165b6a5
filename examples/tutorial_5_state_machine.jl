# Lesson 5: a state machine.  A pedestrian crossing: the cars have green until
# someone presses the button; then yellow, red (walk), and green again.  The
# state is a small number, each step looks at the state and one input.
using MCU

const GREEN = 0                     # states
const YELLOW = 1
const RED = 2

state = GREEN
ticks = 0                           # time spent in the current state

function step(button::Bool)
    global state, ticks
    ticks += 1
    if state == GREEN && button
        enter(YELLOW)
    elseif state == YELLOW && ticks >= 2
        enter(RED)
    elseif state == RED && ticks >= 3
        enter(GREEN)
    end
end

function enter(s)
    global state, ticks
    state = s
    ticks = 0
    if s == GREEN
        println("  -> green")
    elseif s == YELLOW
        println("  -> yellow")
    else
        println("  -> red: walk")
    end
end

const PRESSES = Bool[false, true, false, false, false, false, false, true, false, false]

for t in 1:length(PRESSES)
    if PRESSES[t]
        println("tick ", t, " (button)")
    else
        println("tick ", t)
    end
    step(PRESSES[t])
end

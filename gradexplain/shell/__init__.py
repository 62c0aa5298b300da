"""The shell: the only code that touches argv, files, standard input and output, prompts, exit
codes and IPython. A command line (or a magic's line) becomes one immutable Request, which one
function runs for the command and the magics alike:

    argv.py     the command line split into options, the formula and the inputs' values
    options.py  the command's options, declared for typer, read once into a Request
    request.py  the Request, and reading the formula and the claims from files or stdin
    run.py      run(request): explain → views → warnings → the quiz, or render → write
    writer.py   the one place that writes: stdout or -o FILE, rich, stderr, the progress bar
    quiz.py     the terminal's --quiz session
    command.py  the gradexplain command: argv → Request → run → exit code
    magic.py    %gradexplain and %%gradexplain
"""

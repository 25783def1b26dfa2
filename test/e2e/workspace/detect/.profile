# ~/.profile: run by the login shell
export PATH="$HOME/bin:$PATH"

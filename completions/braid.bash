# braid.bash: bash completion for braid, braid-render and braid-viewer.
#
# Installed three times, as bash-completion/completions/braid,
# braid-render and braid-viewer, since bash-completion loads a command's
# completion from the file of that name; each copy defines all three.
# It needs bash alone (compgen, compopt), not bash-completion's helpers,
# and uses _command_offset from bash-completion when it is there to
# complete the program that `braid run` starts.
#
# Commands, options and option values are completed; trace files are
# completed with the names braid gives them (*.braid) and the older *.db,
# directories always; the file after -o/--output may be any name. The
# option lists are those that each program's --help prints:
# tests/doc/check-completion.py checks that none is missing.

_braid_commands='run report problems diff export render repair help'

# _braid_words WORDS: completes $cur with the matching words of WORDS.
_braid_words ()
{
  local IFS=$' \t\n'
  COMPREPLY+=($(compgen -W "$1" -- "$cur"))
}

# _braid_files [EXT...]: completes $cur with directories and the files
# whose name ends in .EXT for one of the EXTs (any file without EXTs).
_braid_files ()
{
  local IFS=$'\n' f ext
  compopt -o filenames 2>/dev/null
  for f in $(compgen -f -- "$cur"); do
    if [[ -d $f || $# -eq 0 ]]; then
      COMPREPLY+=("$f")
      continue
    fi
    for ext in "$@"; do
      if [[ $f == *."$ext" ]]; then
        COMPREPLY+=("$f")
        break
      fi
    done
  done
}

# _braid_is WORD LIST: whether WORD is one of the words of LIST.
_braid_is ()
{
  local w
  for w in $2; do
    [[ $1 == "$w" ]] && return 0
  done
  return 1
}

# _braid_options OPTIONS VALUE_OPTIONS FILE_OPTIONS: the usual case of a
# braid command or braid-render: after an option of VALUE_OPTIONS nothing
# is offered, after one of FILE_OPTIONS any file; a word starting with -
# is completed from OPTIONS; anything else is a trace file.
_braid_options ()
{
  if _braid_is "$prev" "$3"; then
    _braid_files
  elif _braid_is "$prev" "$2"; then
    return
  elif [[ $cur == -* ]]; then
    _braid_words "$1"
  else
    _braid_files braid db
  fi
}

# Sets cur and prev for the word being completed. COMP_WORDBREAKS splits
# "--axis=st" into "--axis", "=" and "st": prev is then the option.
_braid_init ()
{
  cur=${COMP_WORDS[COMP_CWORD]}
  prev=${COMP_WORDS[COMP_CWORD - 1]}
  if [[ $cur == = ]]; then
    cur= # "--axis=": no value typed yet
  elif [[ $prev == = && $COMP_CWORD -ge 2 ]]; then
    prev=${COMP_WORDS[COMP_CWORD - 2]} # "--axis=st"
  fi
  COMPREPLY=()
}

_braid_render_options='-o --output --width --height --axis --from --to
  --no-legend --compare -h --help --version'

# braid-render's arguments, and those of `braid render`.
_braid_render_args ()
{
  if [[ $prev == --axis ]]; then
    _braid_words 'time steps auto'
    return
  fi
  _braid_options "$_braid_render_options" '--width --height --from --to' \
    '-o --output'
}

# `braid run [-o FILE] [--] PROGRAM ARGS`: braid's options end at PROGRAM,
# and from there the words are the program's. @1 is the index of "run".
_braid_run ()
{
  local i=$(($1 + 1))
  while ((i < COMP_CWORD)); do
    case ${COMP_WORDS[i]} in
      --) i=$((i + 1)); break ;;
      -o|--output)
        # "--output FILE" or "--output=FILE" (three words)
        if [[ ${COMP_WORDS[i + 1]} == = ]]; then
          i=$((i + 3))
        else
          i=$((i + 2))
        fi
        ;;
      -*) i=$((i + 1)) ;;
      *) break ;;
    esac
  done
  if ((i < COMP_CWORD)); then
    # Past PROGRAM: its own arguments.
    if declare -F _command_offset >/dev/null; then
      _command_offset "$i"
    else
      _braid_files
    fi
    return
  fi
  case $prev in
    -o|--output) _braid_files; return ;;
  esac
  if [[ $cur == -* && ${COMP_WORDS[COMP_CWORD - 1]} != -- ]]; then
    _braid_words '-o --output --view -h --help'
  else
    compopt -o filenames 2>/dev/null
    local IFS=$'\n'
    COMPREPLY+=($(compgen -c -- "$cur"))
  fi
}

_braid ()
{
  local cur prev i cmd= at=0
  _braid_init
  # The command is the first word after braid that is not an option.
  for ((i = 1; i < COMP_CWORD; i++)); do
    case ${COMP_WORDS[i]} in
      -*) ;;
      *) cmd=${COMP_WORDS[i]}; at=$i; break ;;
    esac
  done
  case $cmd in
    '')
      if [[ $cur == -* ]]; then
        _braid_words '-h --help --version'
      else
        _braid_words "$_braid_commands"
      fi
      ;;
    help)
      ((COMP_CWORD == at + 1)) && _braid_words "$_braid_commands"
      ;;
    run) _braid_run "$at" ;;
    report)
      if [[ $prev == --axis ]]; then
        _braid_words 'steps time'
      else
        _braid_options '--axis --width --stats --primitives -h --help' '--width' ''
      fi
      ;;
    problems|repair) _braid_options '-h --help' '' '' ;;
    diff)
      _braid_options '-t --task --time --tolerance --ignore-time -q --quiet
        -h --help' '-t --task --tolerance' ''
      ;;
    export)
      if [[ $prev == -f || $prev == --format ]]; then
        _braid_words 'chrome perfetto'
      elif [[ $prev == -a || $prev == --axis ]]; then
        _braid_words 'steps time'
      else
        _braid_options '-f --format -a --axis -o --output -h --help' \
          '-f --format -a --axis' '-o --output'
      fi
      ;;
    render) _braid_render_args ;;
  esac
}

_braid_render ()
{
  local cur prev
  _braid_init
  _braid_render_args
}

_braid_viewer ()
{
  local cur prev
  _braid_init
  if [[ $cur == -* ]]; then
    _braid_words '--run --compare -h --help --help-all --help-gapplication
      --version'
  else
    _braid_files braid db
  fi
}

complete -F _braid braid
complete -F _braid_render braid-render
complete -F _braid_viewer braid-viewer

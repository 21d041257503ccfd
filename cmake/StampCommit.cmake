# Run at every build (cmake -P, from the vestsim_commit target in CMakeLists.txt): writes
# version.cpp with the commit the sources are at, "-dirty" after it when tracked files differ
# from that commit, "unknown" outside a git checkout. configure_file() leaves the file (and its
# timestamp) alone when nothing changed, so only a new commit or a change of dirtiness rebuilds
# version.cpp, and no report of a modified tree names a commit as if it were that commit.
# In: SOURCE_DIR, GIT_EXECUTABLE (may be empty), PROJECT_VERSION, TEMPLATE, OUTPUT.
set(VESTSIM_COMMIT "unknown")
if(GIT_EXECUTABLE AND EXISTS "${SOURCE_DIR}/.git")
  execute_process(COMMAND "${GIT_EXECUTABLE}" rev-parse --short HEAD
    WORKING_DIRECTORY "${SOURCE_DIR}"
    OUTPUT_VARIABLE commit OUTPUT_STRIP_TRAILING_WHITESPACE
    RESULT_VARIABLE commit_status ERROR_QUIET)
  if(commit_status EQUAL 0 AND commit)
    set(VESTSIM_COMMIT "${commit}")
    execute_process(COMMAND "${GIT_EXECUTABLE}" status --porcelain --untracked-files=no
      WORKING_DIRECTORY "${SOURCE_DIR}"
      OUTPUT_VARIABLE changes OUTPUT_STRIP_TRAILING_WHITESPACE
      RESULT_VARIABLE status_status ERROR_QUIET)
    if(NOT status_status EQUAL 0 OR changes)
      set(VESTSIM_COMMIT "${commit}-dirty")
    endif()
  endif()
endif()
configure_file("${TEMPLATE}" "${OUTPUT}" @ONLY)

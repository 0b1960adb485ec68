/** A task module that cannot load: the sandbox must report it, not restart it in a loop. */
throw new Error('this task module is broken on purpose');

// Edit this line and save: devloop syncs it into the running container.
module.exports = { message: "hello from web" };
